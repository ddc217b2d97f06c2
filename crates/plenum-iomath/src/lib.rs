//! Pure input-output maths on a validated [`plenum_table::MrioTable`].
