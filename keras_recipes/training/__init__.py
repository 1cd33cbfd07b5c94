"""Training: the step budget, callback wiring and the trainer."""
