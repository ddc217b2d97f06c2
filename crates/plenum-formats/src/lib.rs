//! Readers and writers of input-output tables.
