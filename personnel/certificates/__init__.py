"""Certificates: issued by rule, verifiable by anyone, printed in batches."""
