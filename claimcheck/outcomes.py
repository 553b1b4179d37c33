"""What one fetch came to, as stored in `captures.outcome`: shared by the verdict rules and the store's SQL."""

OK = "ok"
ROT = "rot"  # 404/410, dead DNS, soft-404, redirect to a home or section page, redirect loop
TRANSIENT = "transient"  # timeout, reset, 5xx, unreadable body: rot if it persists
THROTTLED = "throttled"  # 429: never rot by itself
BLOCKED = "blocked"  # 401/403/451, bot challenge, refused private address
NETWORK = "network"  # the run's network was down: counts for nothing

# The reason recorded when a page reads like what its site answers for a made-up URL; the store finds
# such captures by it, so that a later probe need not be repeated.
SOFT404_BY_PROBE = "soft-404: the page matches what the site answers for a made-up URL"
