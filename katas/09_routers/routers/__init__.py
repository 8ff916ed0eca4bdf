"""The bookshop's routers: one module per resource."""
