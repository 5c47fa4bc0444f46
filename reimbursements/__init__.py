"""Reimbursement of sites (monthly statements) and credit notes for funders at end of validity."""
