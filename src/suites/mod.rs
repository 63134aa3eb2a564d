//! (wired by its module files)
