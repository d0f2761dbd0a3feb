package org.homocloud.he.serialization;

/**
 * The kinds of object the format carries, each with the one-byte tag written after the version.
 * Tags are part of the format: never renumber one, only add.
 */
enum ObjectType {
  PARAMETERS(1, "parameters"),
  PLAINTEXT(2, "plaintext"),
  CIPHERTEXT(3, "ciphertext"),
  PUBLIC_KEY(4, "public key"),
  SECRET_KEY(5, "secret key"),
  SWITCHING_KEY(6, "switching key"),
  RELINEARIZATION_KEY(7, "relinearization key"),
  GALOIS_KEY(8, "Galois key"),
  EVALUATION_KEY_SET(9, "evaluation key set"),
  BOOTSTRAPPING_KEY_SET(10, "bootstrapping key set"),
  LEVELED_EVALUATION_KEY_SET(11, "leveled evaluation key set");

  private final int tag;
  private final String description;

  ObjectType(int tag, String description) {
    this.tag = tag;
    this.description = description;
  }

  int tag() {
    return tag;
  }

  /** Human-readable name used in error messages ("ciphertext was made under ..."). */
  String description() {
    return description;
  }

  /** The type with this tag, or null when the tag is unknown. */
  static ObjectType byTag(int tag) {
    for (ObjectType type : values()) {
      if (type.tag == tag) {
        return type;
      }
    }
    return null;
  }
}
