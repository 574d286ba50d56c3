from __future__ import annotations

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.accounts.models import User

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def programmes(self, create, extracted, **kwargs):  # type: ignore[no-untyped-def]
        if create and extracted:
            self.programmes.set(extracted)


def give_authenticator(user: User) -> TOTPDevice:
    """A confirmed TOTP device, as if the user had set up their app."""
    return TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
