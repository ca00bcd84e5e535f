"""Pure rules: no Flask, no database, no clock. Time and rows are passed in."""
