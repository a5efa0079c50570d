"""Pages of savings, spend and price intelligence. Each subject adds its own patterns list."""

app_name = "analytics"
urlpatterns: list = []
