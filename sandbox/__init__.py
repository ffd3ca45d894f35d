"""Local stand-ins of the Shopify Admin GraphQL API, Amazon's Selling Partner API and ShipBob's API.

The sandbox is how Stratus runs with no credentials: the demo, the tests and the
benchmarks all talk real HTTP to it. Data is generated deterministically from a seed.
"""
