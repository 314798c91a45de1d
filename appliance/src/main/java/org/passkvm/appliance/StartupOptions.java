package org.passkvm.appliance;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line: {@code --config FILE --data-dir DIR --port N --ipmi-port N --http-port N --bind ADDR}.
 *
 * @param configFile null when no file is given and /etc/passkvm/passkvm.yaml does not exist
 * @param port HTTPS port; default 443 when running as root, else 8443
 * @param ipmiPort UDP port for IPMI over LAN; default 623 as root, else 6230; 0 turns IPMI off
 * @param httpPort plain-HTTP port that only redirects to HTTPS; default 80 as root, else 0 (off)
 */
public record StartupOptions(Path configFile, Path dataDir, int port, int ipmiPort, int httpPort, String bind) {

    static final Path DEFAULT_CONFIG = Path.of("/etc/passkvm/passkvm.yaml");
    static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/passkvm");

    public static final String USAGE = """
            usage: java -jar passkvm.jar [--config FILE] [--data-dir DIR] [--port N] [--ipmi-port N] [--http-port N] [--bind ADDR]
              --config FILE   YAML settings (default /etc/passkvm/passkvm.yaml when present; every setting has a default)
              --data-dir DIR  all writable state (default /var/lib/passkvm, or ~/.local/share/passkvm when that is not writable)
              --port N        HTTPS port (default 443 as root, else 8443)
              --ipmi-port N   IPMI-over-LAN UDP port (default 623 as root, else 6230; 0 = off)
              --http-port N   plain-HTTP port that only redirects to HTTPS (default 80 as root, else off)
              --bind ADDR     address to listen on (default 0.0.0.0)""";

    public static StartupOptions parse(String[] args) {
        Path config = null;
        Path dataDir = null;
        boolean root = isRoot();
        int port = root ? 443 : 8443;
        int ipmi = root ? 623 : 6230;
        int http = root ? 80 : 0;
        String bind = "0.0.0.0";
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                throw new ConfigException(USAGE);
            }
            if (i + 1 >= args.length) {
                throw new ConfigException(flag + ": needs a value\n" + USAGE);
            }
            String value = args[++i];
            switch (flag) {
                case "--config" -> config = Path.of(value);
                case "--data-dir" -> dataDir = Path.of(value);
                case "--port" -> port = portNumber(flag, value, 1);
                case "--ipmi-port" -> ipmi = portNumber(flag, value, 0);
                case "--http-port" -> http = portNumber(flag, value, 0);
                case "--bind" -> bind = value;
                default -> throw new ConfigException(flag + ": unknown option\n" + USAGE);
            }
        }
        if (config == null && Files.isRegularFile(DEFAULT_CONFIG)) {
            config = DEFAULT_CONFIG;
        }
        if (config != null && !Files.isReadable(config)) {
            throw new ConfigException("--config: cannot read " + config);
        }
        return new StartupOptions(config, dataDir == null ? defaultDataDir() : dataDir, port, ipmi, http, bind);
    }

    private static int portNumber(String flag, String value, int min) {
        try {
            int p = Integer.parseInt(value);
            if (p >= min && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ConfigException(flag + ": must be a port number from " + min + " to 65535, got '" + value + "'");
    }

    private static Path defaultDataDir() {
        if (writable(DEFAULT_DATA_DIR)) {
            return DEFAULT_DATA_DIR;
        }
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("passkvm");
    }

    private static boolean writable(Path dir) {
        if (Files.isDirectory(dir)) {
            return Files.isWritable(dir);
        }
        Path parent = dir.getParent();
        return parent != null && Files.isDirectory(parent) && Files.isWritable(parent);
    }

    static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
