// fhirclient reads `require("isomorphic-webcrypto").default` only when globalThis.crypto is absent.
module.exports = { default: globalThis.crypto };
