"""Singer tap for the Amazon Selling Partner API."""
