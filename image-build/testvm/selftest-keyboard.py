#!/usr/bin/env python3
"""Self-test of the test VM: a boot-keyboard USB gadget typed into by us must reach the host side of dummy_hcd.

Run inside the VM:  image-build/testvm/testvm run -- python3 image-build/testvm/selftest-keyboard.py
Prints one line per key event seen on the host side ("EV_KEY 30 1") and "SELFTEST OK" on success; exits 1 otherwise.
"""
import os
import select
import struct
import sys
import time

GADGET = "/sys/kernel/config/usb_gadget/passkvm-selftest"
UDC = "dummy_udc.0"
# HID 1.11, Appendix E.6: the boot keyboard report descriptor (8-byte input report, 1-byte LED output report).
BOOT_KEYBOARD = bytes.fromhex(
    "05010906a101050719e029e7150025017501950881029501750881019505750105081901290591029501"
    "7503910195067508150025650507190029658100c0")
EV_KEY = 1
KEY_A = 30
INPUT_EVENT = struct.Struct("llHHi")  # struct input_event on 64-bit: timeval, type, code, value (24 bytes)


def write(path, value):
    with open(path, "wb") as f:
        f.write(value if isinstance(value, bytes) else value.encode())


def create_gadget():
    os.makedirs(GADGET)
    write(f"{GADGET}/idVendor", "0x1d6b")
    write(f"{GADGET}/idProduct", "0x0104")
    write(f"{GADGET}/bcdUSB", "0x0200")
    os.makedirs(f"{GADGET}/strings/0x409")
    write(f"{GADGET}/strings/0x409/manufacturer", "PassKVM")
    write(f"{GADGET}/strings/0x409/product", "PassKVM self-test keyboard")
    write(f"{GADGET}/strings/0x409/serialnumber", "selftest")
    os.makedirs(f"{GADGET}/configs/c.1/strings/0x409")
    write(f"{GADGET}/configs/c.1/strings/0x409/configuration", "keyboard")
    hid = f"{GADGET}/functions/hid.usb0"
    os.makedirs(hid)
    write(f"{hid}/protocol", "1")
    write(f"{hid}/subclass", "1")
    write(f"{hid}/report_length", "8")
    write(f"{hid}/report_desc", BOOT_KEYBOARD)
    os.symlink(hid, f"{GADGET}/configs/c.1/hid.usb0")
    write(f"{GADGET}/UDC", UDC)


def remove_gadget():
    if not os.path.isdir(GADGET):
        return
    try:
        write(f"{GADGET}/UDC", "\n")
    except OSError:
        pass  # already unbound
    for path in (f"{GADGET}/configs/c.1/hid.usb0",):
        if os.path.islink(path):
            os.unlink(path)
    for path in (f"{GADGET}/configs/c.1/strings/0x409", f"{GADGET}/configs/c.1", f"{GADGET}/functions/hid.usb0",
                 f"{GADGET}/strings/0x409", GADGET):
        if os.path.isdir(path):
            os.rmdir(path)


def find_host_event_device(timeout):
    """The evdev node the host side created for our gadget (Phys=usb-dummy_hcd.0-1/input0)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with open("/proc/bus/input/devices") as f:
            for block in f.read().split("\n\n"):
                if "dummy_hcd" in block:
                    for line in block.splitlines():
                        if line.startswith("H: Handlers="):
                            events = [h for h in line.split("=", 1)[1].split() if h.startswith("event")]
                            if events and os.path.exists(f"/dev/input/{events[0]}"):
                                return f"/dev/input/{events[0]}"
        time.sleep(0.1)
    raise SystemExit(f"host side did not enumerate the gadget within {timeout}s")


def read_key_events(fd, count, timeout):
    seen = []
    deadline = time.monotonic() + timeout
    while len(seen) < count and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        data = os.read(fd, INPUT_EVENT.size * 64)
        for off in range(0, len(data) - INPUT_EVENT.size + 1, INPUT_EVENT.size):
            _, _, etype, code, value = INPUT_EVENT.unpack_from(data, off)
            if etype == EV_KEY:
                print(f"EV_KEY {code} {value}", flush=True)
                seen.append((code, value))
    return seen


def main():
    remove_gadget()  # a leftover of an aborted run
    started = time.monotonic()
    create_gadget()
    try:
        with open(f"/sys/class/udc/{UDC}/state") as f:
            print(f"udc state after bind: {f.read().strip()}", flush=True)
        event_path = find_host_event_device(20)
        print(f"host side enumerated the gadget as {event_path} in {time.monotonic() - started:.2f}s", flush=True)
        fd = os.open(event_path, os.O_RDONLY | os.O_NONBLOCK)
        # The evdev node appears before usbhid starts polling the interrupt endpoint (it does so on open, and
        # under TCG on a busy machine that can lag): a report written before then is dropped by f_hid. So type
        # again until the host side has seen something, which is what a user pressing a key twice would do.
        seen = []
        for attempt in range(1, 6):
            with open("/dev/hidg0", "wb", buffering=0) as hidg:
                hidg.write(bytes([0, 0, 0x04, 0, 0, 0, 0, 0]))  # usage 0x04 = a and A
                hidg.write(bytes(8))
            seen = read_key_events(fd, 2, 2 * attempt)
            if seen:
                break
            print(f"attempt {attempt}: the host side saw nothing yet, typing again", flush=True)
        os.close(fd)
        if seen != [(KEY_A, 1), (KEY_A, 0)]:
            print(f"SELFTEST FAILED: expected KEY_A down/up, saw {seen}", flush=True)
            return 1
        print("SELFTEST OK", flush=True)
        return 0
    finally:
        remove_gadget()


if __name__ == "__main__":
    sys.exit(main())
