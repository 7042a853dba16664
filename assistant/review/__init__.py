"""Stage 4b: draft policy / agreement → clause-by-clause fair-competition findings a reviewer can sign."""
