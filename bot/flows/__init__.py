"""Dialogue flows, one module per capability; handlers stay thin, rules live in domain/."""
