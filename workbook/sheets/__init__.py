"""The sheets of the department workbook, one builder each (`workbook.templates` puts them together)."""
