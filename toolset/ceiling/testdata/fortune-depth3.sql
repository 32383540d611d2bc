\startpipeline
SELECT id, message FROM fortune;
SELECT id, message FROM fortune;
SELECT id, message FROM fortune;
\endpipeline
