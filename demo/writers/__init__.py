"""File writers, one module per source: Zoho CRM CSV, Fxiaoke XLSX, management spreadsheets."""
