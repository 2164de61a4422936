"""Private IP allocation (subnets.allocate_ip / release_ip) in-process: addresses never collide, never reserved."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from hypothesis import given, settings
from hypothesis import strategies as st

from vpcsim.catalog import find_region
from vpcsim.control.core.call import Call
from vpcsim.control.network import subnets, vpcs
from vpcsim.model import IdFactory
from vpcsim.store import Store
from vpcsim.store.backend import MemoryBackend

CIDR = "10.0.0.0/28"  # 16 addresses, 11 usable
NETWORK = IPv4Network(CIDR)
USABLE = {str(a) for a in list(NETWORK)[4:-1]}

# A step allocates (None: the lowest free one; an int: that offset in the subnet) or releases the i-th held address.
steps = st.lists(
    st.one_of(
        st.tuples(st.just("allocate"), st.one_of(st.none(), st.integers(0, 15))),
        st.tuples(st.just("release"), st.integers(0, 20)),
    ),
    max_size=40,
)


def _subnet(store: Store) -> str:
    with store.transaction() as tx:
        call = Call(tx, "123456789012", find_region("us-east-1"), "r", IdFactory(seed=1))  # type: ignore[arg-type]
        vpc = vpcs.new_vpc(call, "10.0.0.0/16")
        return subnets.new_subnet(call, vpc, CIDR, call.region.zones[0]).id


def _apply(store: Store, subnet_id: str, step: tuple[str, int | None], held: list[str]) -> None:
    action, value = step
    try:
        with store.transaction() as tx:
            call = Call(tx, "123456789012", find_region("us-east-1"), "r", IdFactory(seed=2))  # type: ignore[arg-type]
            subnet = tx.find("subnet", subnet_id)
            assert subnet is not None
            if action == "allocate":
                wanted = None if value is None else str(NETWORK.network_address + value)
                held.append(subnets.allocate_ip(call, subnet, "eni-test", wanted))
            elif held:
                subnets.release_ip(call, subnet_id, held.pop((value or 0) % len(held)))
    except Exception as error:  # a refusal must be an AWS error and change nothing
        assert getattr(error, "code", None) in (
            "InvalidIPAddress.InUse",
            "InvalidParameterValue",
            "InsufficientFreeAddressesInSubnet",
        ), error


@settings(max_examples=60, deadline=None)
@given(steps)
def test_allocations_are_unique_usable_and_match_the_subnet(program: list[tuple[str, int | None]]) -> None:
    store = Store(MemoryBackend())
    subnet_id = _subnet(store)
    held: list[str] = []
    for step in program:
        _apply(store, subnet_id, step, held)
        assert len(held) == len(set(held)) and set(held) <= USABLE
        with store.snapshot() as tx:
            record = tx.find("subnet", subnet_id)
            assert record is not None
            assert set(record.extra["allocated"]) == set(held)
            assert subnets.present_subnet(record)["AvailableIpAddressCount"] == len(USABLE) - len(held)


def test_lowest_free_address_first_and_reserved_ones_refused() -> None:
    store = Store(MemoryBackend())
    subnet_id = _subnet(store)
    held: list[str] = []
    for _ in range(3):
        _apply(store, subnet_id, ("allocate", None), held)
    assert held == ["10.0.0.4", "10.0.0.5", "10.0.0.6"]
    for offset in (0, 3, 15):
        _apply(store, subnet_id, ("allocate", offset), held)
    assert len(held) == 3
    assert IPv4Address(held[0]) in NETWORK
