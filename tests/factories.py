"""factory_boy factories that build through the services, so test data is audited like real data."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import User
from accounts.services import role_assign, user_create_or_update
from members.models import District, Membership
from members.services import DistrictRecord, district_upsert
from members.states import MembershipState
from tests.cast import PASSWORD, SYSTEM
from vendors.models import Vendor
from vendors.services import vendor_create


class UserFactory(factory.Factory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")

    @classmethod
    def _create(cls, model_class, email, full_name, role=None, organisation=None):
        user, _ = user_create_or_update(email=email, full_name=full_name, password=PASSWORD,
                                        check_password=False, actor=SYSTEM)
        if role and organisation is not None:
            role_assign(user=user, organisation=organisation, role=role, actor=SYSTEM)
        return user


class DistrictFactory(factory.Factory):
    class Meta:
        model = District

    name = factory.Sequence(lambda n: f"District {n:04d} Unified")
    state = "CA"
    state_leaid = factory.Sequence(lambda n: f"CA-{7000000 + n:07d}")
    lea_type = "Unified School District"
    city = factory.Faker("city")
    enrollment = factory.Faker("random_int", min=200, max=60000)

    @classmethod
    def _create(cls, model_class, **fields):
        district, _ = district_upsert(record=DistrictRecord(**fields, enrollment_year=2024,
                                                            enrollment_source="test factory"),
                                      actor=SYSTEM)
        return district


class ActiveMembershipFactory(factory.django.DjangoModelFactory):
    """An active membership (as after the whole state machine), for directory-style tests."""

    class Meta:
        model = Membership

    district = factory.SubFactory(DistrictFactory)
    state = MembershipState.ACTIVE
    applied_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=90))
    member_since = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))


class VendorFactory(factory.Factory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n:03d}")

    @classmethod
    def _create(cls, model_class, name):
        return vendor_create(name=name, legal_name=f"{name}, Inc.", actor=SYSTEM)
