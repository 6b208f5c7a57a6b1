"""The local-file batch feeder: readers → chain → writers."""
