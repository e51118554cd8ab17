\set w random(1, 2000)
SELECT definition FROM workflow_versions WHERE workflow_id = :w ORDER BY version DESC LIMIT 1;
