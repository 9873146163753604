/**
 * The embedded KRaft broker's parts: its properties and storage format, SCRAM credentials, free
 * ports, and the start-up repair of transactions a killed broker left hanging ({@code HangingTransactions}).
 */
package io.d2vstreams.devstack.internal.kafka;
