"""A stand-in of Amazon's Selling Partner API and its Login with Amazon token endpoint."""
