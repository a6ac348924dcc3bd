"""Subscription fields (graphql-transport-ws on /graphql), fed by ``graph.feed.AuditFeed``.

Each event is read again through the subscriber's own reader, with its viewer
reloaded, before it is sent: a subscription applies exactly the rules of a
query made at that moment (revoked access or a changed role count at once).
"""
