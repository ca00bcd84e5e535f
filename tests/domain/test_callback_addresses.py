"""Which callback addresses are public: IPv6 forms that carry an IPv4 address count as that
address (a NAT64 gateway or a 6to4 relay would deliver to it)."""

import pytest

from reviewq.domain.callbacks import is_public_address

pytestmark = pytest.mark.domain_only

ADDRESSES = {
    # plain addresses
    "8.8.8.8": True,
    "2606:4700::1111": True,
    "127.0.0.1": False,
    "10.1.2.3": False,
    "169.254.169.254": False,
    "::1": False,
    "fe80::1": False,
    "fd00::1": False,
    "ff02::1": False,
    "224.0.0.1": False,
    # NAT64, well-known prefix 64:ff9b::/96 (RFC 6052)
    "64:ff9b::808:808": True,
    "64:ff9b::7f00:1": False,  # 127.0.0.1
    "64:ff9b::a9fe:a9fe": False,  # 169.254.169.254
    "64:ff9b::c0a8:101": False,  # 192.168.1.1
    # local-use NAT64 (RFC 8215): only ever inside one network
    "64:ff9b:1::808:808": False,
    # 6to4 (2002::/16): the IPv4 address sits in bits 16-48
    "2002:808:808::1": True,
    "2002:7f00:1::1": False,  # 127.0.0.1
    "2002:a00:1::": False,  # 10.0.0.1
    # IPv4-mapped and the deprecated IPv4-compatible form
    "::ffff:8.8.8.8": True,
    "::ffff:127.0.0.1": False,
    "::ffff:10.0.0.1": False,
    "::7f00:1": False,
    "::808:808": False,
    # Teredo (2001::/32): server and (obfuscated) client IPv4
    "2001:0:4136:e378:8000:63bf:3fff:fdd2": False,
    # not an address at all
    "localhost": False,
    "": False,
}


@pytest.mark.parametrize(("address", "public"), ADDRESSES.items())
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public
