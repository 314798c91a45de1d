/** Who is calling: accounts, password hashes, sessions and the gate every route passes. */
package org.passkvm.web.auth;
