"""Key handling: configured keys win, development keys are created once, rotation works."""

from __future__ import annotations

import logging

import pytest
from cryptography.fernet import Fernet

from services.intake.adapters.crypto import PersonalDataCipher, UndecryptableData
from services.intake.adapters.keys import KEY_FILE_NAME, resolve_keys
from shared.settings import IntakeSettings


def settings(tmp_path, **values) -> IntakeSettings:
    return IntakeSettings(data_dir=tmp_path, **values)


def test_development_keys_are_created_once_private_and_with_a_warning(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    first = resolve_keys(settings(tmp_path))
    second = resolve_keys(settings(tmp_path))
    key_file = tmp_path / KEY_FILE_NAME
    assert first == second
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert "development keys" in caplog.text


def test_configured_keys_win_and_write_no_file(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    key = Fernet.generate_key().decode()
    keys = resolve_keys(settings(tmp_path, pseudonym_key="p" * 32, encryption_key=key))
    assert keys.pseudonym_key == b"p" * 32 and keys.encryption_keys == (key,)
    assert not (tmp_path / KEY_FILE_NAME).exists()
    assert "development keys" not in caplog.text


@pytest.mark.parametrize("values", [
    {"encryption_key": "not-a-fernet-key", "pseudonym_key": "p" * 32},
    {"encryption_key": Fernet.generate_key().decode(), "pseudonym_key": "short"},
])
def test_bad_keys_fail_at_start(tmp_path, values):
    with pytest.raises(ValueError):
        resolve_keys(settings(tmp_path, **values))


def test_rotation_old_data_stays_readable(tmp_path):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = PersonalDataCipher((old,)).seal({"bsn": "111222333"})
    keys = resolve_keys(settings(tmp_path, pseudonym_key="p" * 32,
                                 encryption_key=f"{new}, {old}"))
    rotated = PersonalDataCipher(keys.encryption_keys)
    assert rotated.open(sealed) == {"bsn": "111222333"}
    assert PersonalDataCipher((new,)).open(rotated.seal({"a": 1})) == {"a": 1}
    with pytest.raises(UndecryptableData):
        PersonalDataCipher((new,)).open(sealed)
