//! Self-tests of the fake API server: it must behave like the real one.
