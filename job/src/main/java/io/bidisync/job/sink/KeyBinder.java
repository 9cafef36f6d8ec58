package io.bidisync.job.sink;

import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.mapping.PrimaryKey;
import io.bidisync.udfs.types.ValueType;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds a row's primary key ({@link PrimaryKey}'s text) to the parameters of {@code k1 = ? AND k2 =
 * ?}, and reads the key of a row the job inserted. A part whose column carries an attribute is
 * bound as the attribute's type; any other part as text, which both databases convert to the
 * column's type.
 */
final class KeyBinder {
    private final SqlDialect dialect;
    private final PrimaryKey key;
    private final ValueType[] types;
    private final TableColumns.Column[] columns;

    KeyBinder(SqlDialect dialect, ColumnMapping mapping, PrimaryKey key, TableColumns described) {
        this.dialect = dialect;
        this.key = key;
        this.types = new ValueType[key.size()];
        this.columns = new TableColumns.Column[key.size()];
        for (int i = 0; i < key.size(); i++) {
            int attribute = key.attributeOf(i);
            types[i] = attribute < 0 ? null : mapping.attributes().type(attribute);
            columns[i] = described.column(key.columns().get(i));
        }
    }

    /**
     * Binds the parts of {@code localId} from parameter {@code first} on.
     *
     * @return the next free parameter index
     */
    int bind(PreparedStatement ps, int first, String localId) throws SQLException {
        int p = first;
        List<String> parts = key.parts(localId);
        for (int i = 0; i < parts.size(); i++) {
            if (types[i] == null) {
                ps.setString(p++, parts.get(i));
            } else {
                dialect.bind(ps, p++, types[i], parts.get(i), columns[i]);
            }
        }
        return p;
    }

    /**
     * The key of an inserted row: from its values when attributes fill every key column, else from
     * the next row of the statement's generated keys (the key columns, or MySQL's auto-increment
     * value alone); {@code null} if there is none.
     */
    String inserted(String[] values, ResultSet generated) throws SQLException {
        if (key.fromAttributes()) {
            return key.of(values, column -> null);
        }
        if (!generated.next()) {
            return null;
        }
        // PostgreSQL returns every key column (RETURNING); MySQL only the auto-increment one.
        boolean everyColumn = generated.getMetaData().getColumnCount() >= key.size();
        List<String> generatedParts = new ArrayList<>(key.size());
        for (int i = 0; i < key.size(); i++) {
            generatedParts.add(generated.getString(everyColumn ? i + 1 : 1));
        }
        return key.of(values, column -> generatedParts.get(key.columns().indexOf(column)));
    }
}
