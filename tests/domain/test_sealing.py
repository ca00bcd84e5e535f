import pytest
from cryptography.fernet import Fernet

from reviewq.domain.sealing import Keyring, SecretUnreadable


def test_a_keyring_seals_with_the_first_key_and_opens_with_any() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = Keyring([old]).seal("whsec_abc")
    assert "whsec_abc" not in sealed and Keyring([old]).seal("whsec_abc") != sealed
    rotating = Keyring([new, old])
    assert rotating.open(sealed) == "whsec_abc"
    resealed = rotating.reseal(sealed)
    assert Keyring([new]).open(resealed) == "whsec_abc"
    with pytest.raises(SecretUnreadable):
        Keyring([new]).open(sealed)
    with pytest.raises(SecretUnreadable):
        Keyring([new]).open("whsec_never_sealed")
