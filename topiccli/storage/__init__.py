"""Files topiccli reads and writes safely: bounded reads of untrusted bytes, atomic writes, and
the sweep of what a killed run left behind."""
