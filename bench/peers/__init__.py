"""Peers: the same rules written the way users would write them without volunteer_core."""
