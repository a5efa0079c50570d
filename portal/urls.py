"""The public portal's addresses, all under /public/ (see portal.views)."""

from django.urls import path

from portal import views

app_name = "portal"

S = "solicitations/<id:solicitation_id>"
A = "agreements/<id:agreement_id>"
V = "vendors/<id:vendor_id>"

urlpatterns = [
    path("", views.index, name="index"),
    path("solicitations/", views.solicitations, name="solicitations"),
    path("solicitations.csv", views.solicitations_csv, name="solicitations-csv"),
    path(S + "/", views.solicitation, name="solicitation"),
    path(S + ".csv", views.solicitation_csv, name="solicitation-csv"),
    path(S + ".ics", views.solicitation_ics, name="solicitation-ics"),
    path("feeds/solicitations.atom", views.feed_atom, name="feed-atom"),
    path("feeds/solicitations.ics", views.feed_ics, name="feed-ics"),
    path("feeds/<slug:category>/solicitations.atom", views.category_atom, name="category-atom"),
    path("feeds/<slug:category>/solicitations.ics", views.category_ics, name="category-ics"),
    path("awards/", views.awards, name="awards"),
    path("awards.csv", views.awards_csv, name="awards-csv"),
    path("awards/<id:solicitation_id>/", views.award, name="award"),
    path("awards/<id:solicitation_id>.csv", views.award_csv, name="award-csv"),
    path("agreements/", views.agreements, name="agreements"),
    path("agreements.csv", views.agreements_csv, name="agreements-csv"),
    path(A + "/", views.agreement, name="agreement"),
    path(A + ".csv", views.agreement_csv, name="agreement-csv"),
    path("vendors/", views.vendors, name="vendors"),
    path("vendors.csv", views.vendors_csv, name="vendors-csv"),
    path(V + "/", views.vendor, name="vendor"),
    path(V + ".csv", views.vendor_csv, name="vendor-csv"),
    path("members/", views.members, name="members"),
    path("members.csv", views.members_csv, name="members-csv"),
    path("savings/", views.savings, name="savings"),
    path("savings.csv", views.savings_csv, name="savings-csv"),
    path("search/", views.search, name="search"),
    path("search.csv", views.search_csv, name="search-csv"),
]
