"""What an account sees before it creates anything: its default VPC per Region, Regions and Availability Zones."""
