"""Stand-in of the Shopify Admin GraphQL API."""
