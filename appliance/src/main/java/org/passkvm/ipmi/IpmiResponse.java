package org.passkvm.ipmi;

/** The answer to an {@link IpmiRequest}: a completion code and the response data after it. */
record IpmiResponse(IpmiRequest request, int completionCode, byte[] body) {

    static final int OK = 0x00;
    static final int NODE_BUSY = 0xC0;
    static final int INVALID_COMMAND = 0xC1;
    static final int REQUEST_DATA_LENGTH_INVALID = 0xC7;
    static final int PARAMETER_OUT_OF_RANGE = 0xC9;
    static final int INVALID_DATA_FIELD = 0xCC;
    static final int CANNOT_EXECUTE_IN_STATE = 0xD5;
    static final int INSUFFICIENT_PRIVILEGE = 0xD4;
    static final int UNSPECIFIED = 0xFF;

    /** The LAN response message: rqAddr, netFn+1/LUN, checksum, rsAddr 20h, rqSeq/LUN, cmd, cc, data, checksum. */
    byte[] message() {
        IpmiRequest r = request;
        byte[] m = new byte[8 + body.length];
        m[0] = (byte) r.rqAddr();
        m[1] = (byte) (((r.netFn() | 1) << 2) | r.rqLun());
        m[2] = (byte) -(m[0] + m[1]);
        m[3] = (byte) 0x20;
        m[4] = (byte) ((r.rqSeq() << 2) | r.rsLun());
        m[5] = (byte) r.command();
        m[6] = (byte) completionCode;
        System.arraycopy(body, 0, m, 7, body.length);
        m[m.length - 1] = (byte) -IpmiRequest.checksum(m, 3, m.length - 4);
        return m;
    }
}
