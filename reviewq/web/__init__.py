"""HTTP: blueprints, their error mapping, and the OpenAPI document."""
