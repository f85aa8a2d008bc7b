"""What makes StitchSketch a box: paths, systemd notification, mDNS, units, installer."""
