package org.passkvm.doctor;

/**
 * What every doctor script starts with. Paths are written {@code $R/...}: {@code R} is empty on a real host and the
 * recording's folder on a recorded one. Commands that only a live host can answer go through a helper, which a
 * recorded host replaces with the recorded answer.
 */
final class Scripts {

    private Scripts() {}

    static final String PRELUDE = """
            gpus() { for d in $R/sys/bus/pci/devices/*; do case "$(cat $d/class 2>/dev/null)" in 0x03*) echo "${d##*/}";; esac; done; }
            driver() { l=$(readlink $R/sys/bus/pci/devices/$1/driver 2>/dev/null) && echo "${l##*/}" || echo none; }
            pciid() { v=$(cat $R/sys/bus/pci/devices/$1/vendor 2>/dev/null); d=$(cat $R/sys/bus/pci/devices/$1/device 2>/dev/null); echo "${v#0x}:${d#0x}"; }
            pciclass() { cat $R/sys/bus/pci/devices/$1/class 2>/dev/null; }
            kernellog() { dmesg 2>/dev/null || journalctl -k -b --no-pager -q 2>/dev/null; }
            validate() { virt-host-validate qemu 2>&1; }
            arch() { uname -m; }
            regenerate_initramfs() { if command -v update-initramfs >/dev/null; then update-initramfs -u 2>&1; else dracut -f 2>&1; fi; }
            modprobeconf() { grep -H -s -E "$1" $R/etc/modprobe.d/*.conf | sed "s|^$R||"; }
            bootloader() {
              if [ -e $R/etc/kernel/cmdline ]; then echo "bootloader: systemd-boot"; echo "kernel-cmdline-file: $(cat $R/etc/kernel/cmdline)"
                if [ -e $R/usr/sbin/proxmox-boot-tool ]; then echo "proxmox-boot-tool: yes"; fi
              elif [ -e $R/etc/default/grub ]; then echo "bootloader: grub"; grep -E '^GRUB_CMDLINE_LINUX_DEFAULT=' $R/etc/default/grub | tail -n 1 | sed 's/^/grub-line: /'
              else echo "bootloader: unknown"; fi
              echo "cmdline: $(cat $R/proc/cmdline)"
            }
            """;

    /** A recorded host's answers for the commands a folder of files cannot run. */
    static final String RECORDED_COMMANDS = """
            kernellog() { cat $R/.recorded/dmesg 2>/dev/null; }
            validate() { if [ -e $R/.recorded/virt-host-validate ]; then cat $R/.recorded/virt-host-validate; else echo "sh: 1: virt-host-validate: not found"; return 127; fi; }
            arch() { cat $R/.recorded/uname-m 2>/dev/null || echo x86_64; }
            regenerate_initramfs() { echo "update-initramfs: Generating /boot/initrd.img-$(cat $R/proc/sys/kernel/osrelease) (recorded host: nothing was generated)"; }
            """;

    /** One shell word holding {@code text} exactly. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
