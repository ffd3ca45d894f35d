"""A stand-in of FreeAgent's API v2: one UK limited company's books, whose bank feed holds the
sandbox's Shopify payouts and Amazon settlements (see `feed` for the planted messy cases).

Contract: FreeAgent's Postman collection (../shared/specs/freeagent/) for the endpoints and their
parameters; FreeAgent's documentation pages (dev.freeagent.com/docs/<resource>) for each resource's
attributes and filters (`render`, `lists`), `introduction` for paging (`pages`), `oauth` for the
token endpoint (`auth`), and FreeAgent's announcements for token lifetimes and rate limits
(`auth`, `ratelimit`).
"""
