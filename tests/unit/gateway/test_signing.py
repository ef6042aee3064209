"""Signed links: good until they expire, bound to what they are for, forgeries refused without an error."""

from services.gateway.signing import Signer


def test_a_signed_link_is_valid_only_for_its_parts_and_until_it_expires():
    signer = Signer("k" * 32)
    expires, signature = signer.sign("file", "abc", ttl_s=60)
    assert signer.valid("file", "abc", expires=expires, signature=signature)
    assert not signer.valid("file", "abd", expires=expires, signature=signature)  # another record
    assert not signer.valid("file", "abc", expires=expires + 1, signature=signature)  # a longer life
    assert not Signer("other key").valid("file", "abc", expires=expires, signature=signature)
    old, old_signature = signer.sign("file", "abc", ttl_s=-1)
    assert not signer.valid("file", "abc", expires=old, signature=old_signature)


def test_a_garbage_signature_is_refused_not_an_error():
    signer = Signer("k" * 32)
    assert not signer.valid("file", "0", expires=2_782_675_995, signature="\U000367a4´_")
