namespace Piazza.Cluster.Redis;

/// <summary>
/// The Lua scripts behind <see cref="RedisNameClaims"/>; each runs atomically in Redis, so two nodes never both win.
/// A claim is a hash <c>{prefix}name:{nameKey}</c> (fields <c>id</c>, <c>name</c>, <c>reg</c>, <c>skel</c>, and
/// <c>n:{node}</c> = that node's connections holding it) plus its name key in the set <c>{prefix}skel:{skeleton}</c>.
/// A node is alive while <c>{prefix}node:{node}</c> exists (a key with a TTL the node refreshes); a claim whose
/// holders are all dead is deleted where it is met, so it is free.
/// </summary>
internal static class NameClaimScripts
{
    // ARGV[1] is always the key prefix. live(key) = whether a claim has a live holder (a dead one is removed).
    private const string Common = """
        local prefix = ARGV[1]
        local function live(key)
          local fields = redis.call('HGETALL', key)
          if #fields == 0 then return false end
          local alive, skel = false, nil
          for i = 1, #fields, 2 do
            local f = fields[i]
            if string.sub(f, 1, 2) == 'n:' then
              if redis.call('EXISTS', prefix .. 'node:' .. string.sub(f, 3)) == 1 then alive = true
              else redis.call('HDEL', key, f) end
            elseif f == 'skel' then skel = fields[i + 1] end
          end
          if not alive then
            redis.call('DEL', key)
            if skel then redis.call('SREM', prefix .. 'skel:' .. skel, string.sub(key, #prefix + 6)) end
          end
          return alive
        end
        local function holder(key)
          local h = redis.call('HMGET', key, 'name', 'id', 'reg', 'skel')
          return { string.sub(key, #prefix + 6), h[1], h[2], h[3] }
        end
        local function lookalike(skeleton, nameKey, except)
          for _, other in ipairs(redis.call('SMEMBERS', prefix .. 'skel:' .. skeleton)) do
            local key = prefix .. 'name:' .. other
            if other ~= nameKey and live(key) and redis.call('HGET', key, 'id') ~= except then return holder(key) end
          end
          return nil
        end

        """;

    /// <summary>
    /// ARGV: prefix, nameKey, name, identity, registered (1/0), skeleton, node, refuseLookAlikes (1/0), node TTL ms, count.
    /// Sets this node's count to ARGV[10] when the name is free or held by the same account. Returns
    /// {status, holder nameKey, holder name, holder identity, holder registered}.
    /// </summary>
    public const string Claim = Common + """
        local nameKey, name, id, reg, skel, node = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
        redis.call('SET', prefix .. 'node:' .. node, '1', 'PX', ARGV[9])
        local key = prefix .. 'name:' .. nameKey
        if live(key) then
          local h = redis.call('HMGET', key, 'id', 'reg')
          if h[1] == id and h[2] == '1' and reg == '1' then
            redis.call('HSET', key, 'n:' .. node, ARGV[10])
            return { 'claimed' }
          end
          local held = holder(key)
          return { 'taken', held[1], held[2], held[3], held[4] }
        end
        if ARGV[8] == '1' then
          local other = lookalike(skel, nameKey, false)
          if other then return { 'lookalike', other[1], other[2], other[3], other[4] } end
        end
        redis.call('HSET', key, 'id', id, 'name', name, 'reg', reg, 'skel', skel, 'n:' .. node, ARGV[10])
        redis.call('SADD', prefix .. 'skel:' .. skel, nameKey)
        return { 'claimed' }
        """;

    /// <summary>
    /// ARGV: prefix, nameKey, name, identity, registered, skeleton, node, count, node TTL ms. Writes this node's count
    /// (0: this node holds it no more; the claim is freed when no live node does). Used for releases and to re-assert
    /// after Redis lost its data. Returns {'ok'} or {'conflict', holder…} when another identity holds it now.
    /// </summary>
    public const string Assert = Common + """
        local nameKey, name, id, reg, skel, node, count = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
        redis.call('SET', prefix .. 'node:' .. node, '1', 'PX', ARGV[9])
        local key = prefix .. 'name:' .. nameKey
        if live(key) then
          if redis.call('HGET', key, 'id') ~= id then
            if count == '0' then return { 'ok' } end
            local held = holder(key)
            return { 'conflict', held[1], held[2], held[3], held[4] }
          end
          if count == '0' then
            redis.call('HDEL', key, 'n:' .. node)
            live(key)
            return { 'ok' }
          end
          redis.call('HSET', key, 'reg', reg, 'n:' .. node, count)
          return { 'ok' }
        end
        if count == '0' then return { 'ok' } end
        redis.call('HSET', key, 'id', id, 'name', name, 'reg', reg, 'skel', skel, 'n:' .. node, count)
        redis.call('SADD', prefix .. 'skel:' .. skel, nameKey)
        return { 'ok' }
        """;

    /// <summary>ARGV: prefix, nameKey. Returns {nameKey, name, identity, registered} of a live claim, or nil.</summary>
    public const string Find = Common + """
        local key = prefix .. 'name:' .. ARGV[2]
        if live(key) then return holder(key) end
        return nil
        """;

    /// <summary>ARGV: prefix, skeleton, nameKey, except identity ('' for none). Returns a holder or nil.</summary>
    public const string FindLookAlike = Common + """
        local except = ARGV[4]
        if except == '' then except = false end
        return lookalike(ARGV[2], ARGV[3], except)
        """;

    /// <summary>ARGV: prefix, nameKey, from identity, to identity. A guest's claim becomes its account's.</summary>
    public const string Reassign = Common + """
        local key = prefix .. 'name:' .. ARGV[2]
        if live(key) and redis.call('HGET', key, 'id') == ARGV[3] then
          redis.call('HSET', key, 'id', ARGV[4], 'reg', '1')
        end
        return { 'ok' }
        """;
}
