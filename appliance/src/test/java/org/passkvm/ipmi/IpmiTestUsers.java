package org.passkvm.ipmi;

import java.nio.file.Path;
import org.passkvm.web.Role;
import org.passkvm.web.TestWebServer;
import org.passkvm.web.auth.Accounts;

/** The accounts the BMC tests log in as: root (admin) and otto (operator) with IPMI on, vera (viewer) without. */
final class IpmiTestUsers {

    static final String ROOT_IPMI = "ipmi-secret-1";
    static final String OTTO_IPMI = "otto-secret-1";

    private IpmiTestUsers() {}

    static IpmiUsers create(Path dataDir) throws Exception {
        Accounts accounts = Accounts.open(dataDir, TestWebServer.FAST_HASHER, "console password");
        accounts.create("root", Role.ADMIN, "root console password");
        accounts.create("otto", Role.OPERATOR, "otto console password");
        accounts.create("vera", Role.VIEWER, "vera console password");
        IpmiUsers users = new IpmiUsers(dataDir, accounts);
        users.enable("root", ROOT_IPMI);
        users.enable("otto", OTTO_IPMI);
        return users;
    }
}
