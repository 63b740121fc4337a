"""Institution PowerPoint masters: read with limits, sanitised, inspected, mapped to roles, rendered."""
