"""Network interfaces with their addresses and attachments, and the instances that hold them."""
