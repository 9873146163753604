/** Implementation details of {@code io.d2vstreams.schemas}; not API, may change without notice. */
package io.d2vstreams.schemas.internal;
