"""The provider side of PrivateLink: endpoint service configurations, permissions, connection acceptance,
notifications, and private DNS names with their TXT verification."""
