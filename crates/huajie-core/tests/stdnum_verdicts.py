"""Verdicts of an independent implementation on identifiers read from standard input, one per line
as `ric NUMBER` or `uscc NUMBER`: python-stdnum (stdnum.cn.ric, stdnum.cn.uscc), and for the
organisation code inside a USCC (which stdnum does not check) GB 11714 written here from the standard.

Each answer line: the verdict (valid, length, format, checksum, date, place), stdnum's check character
for the first 17 characters (or -), and for a USCC whether its organisation code's check character is
right (1, 0 or -). A last line `stdnum VERSION`.
"""

import sys

import stdnum
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength


def ric_verdict(n):
    try:
        ric.validate(n)
        return "valid"
    except InvalidLength:
        return "length"
    except InvalidFormat:
        return "format"
    except InvalidChecksum:
        return "checksum"
    except InvalidComponent:
        # validate checks the birth date, then the place of birth.
        try:
            ric.get_birth_date(n)
        except InvalidComponent:
            return "date"
        return "place"
    except KeyError:
        # stdnum 2.2 fails this way on a prefix its table lists without counties (810000): the
        # birth date was read before, the place is what it cannot tell.
        return "place"


def uscc_verdict(n):
    try:
        uscc.validate(n)
        return "valid"
    except InvalidLength:
        return "length"
    except InvalidFormat:
        return "format"
    except InvalidChecksum:
        return "checksum"


def org_code_ok(n):
    """GB 11714: characters 9-16 weighted 3, 7, 9, 10, 5, 8, 4, 2 (digits at their value, letters A=10
    to Z=35); the check is 11 - sum mod 11, written X for 10 and 0 for 11; it is character 17."""
    if len(n) != 18 or not n[8:17].isalnum():
        return "-"
    body, check = n[8:16], n[16]
    total = sum(int(c, 36) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2)))
    value = 11 - total % 11
    return "1" if {10: "X", 11: "0"}.get(value, str(value)) == check else "0"


out = []
for line in sys.stdin:
    kind, n = line.split()
    if kind == "ric":
        check = ric.calc_check_digit(n) if len(n) == 18 and n[:17].isdigit() else "-"
        out.append(f"{ric_verdict(n)} {check} -")
    else:
        try:
            check = uscc.calc_check_digit(n[:17]) if len(n) == 18 else "-"
        except ValueError:
            check = "-"
        out.append(f"{uscc_verdict(n)} {check} {org_code_ok(n)}")
out.append(f"stdnum {stdnum.__version__}")
sys.stdout.write("\n".join(out) + "\n")
