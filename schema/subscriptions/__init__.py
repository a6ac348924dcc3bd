"""Subscription fields (graphql-transport-ws on /graphql), fed by ``graph.feed.AuditFeed``.

A subscription listens for the events of its viewer's company, narrowed on the
event's own facts (``AuditFeed.listen(company=..., wants=...)``), so an event
wakes only the subscriptions it can concern. Each event that wakes one is then
authorized as a new request would be (``Context.reauthorize``: token, viewer,
reader and loaders anew) and read through the subscriber's own reader before it
is sent: a revoked link or a changed role counts at once.
"""
